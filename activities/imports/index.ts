// The import engine's one entry: the workflow's activities, and what the web needs of each
// import type (its spec, its target checks, its template).
export { createImportActivities, resultFileId, type ImportActivities, type ImportSummary } from './activities';
export { IMPORT_SPECS, IMPORT_TYPES, isImportType, canImport, type ImportType, type ImportTypeSpec } from './spec';
export { findClassTarget, findPlatformTarget, classProblem, platformProblem, type ClassTarget } from './targets';
export { templateXlsx } from './template';
