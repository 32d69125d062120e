import { sleep } from '@temporalio/workflow';
import { classDeclaration as currentClass } from '../../../workflows/classDeclaration';
import type { ClassDeclarationInput } from '../../../workflows/messages/classDeclaration';
import { importJob as currentImport } from '../../../workflows/importJob';
import type { ImportJobInput } from '../../../workflows/messages/importJob';
import { exportJob as currentExport } from '../../../workflows/exportJob';
import type { ExportJobInput } from '../../../workflows/messages/exportJob';

/**
 * Deliberately changed copies of the class, import and export workflows, for
 * classesReplay.test.ts and importsReplay.test.ts: each starts with a timer, as a careless
 * edit adding a wait would. Replaying a recorded history on them must fail, which proves
 * those replay tests can fail.
 */
export async function classDeclaration(input: ClassDeclarationInput) {
  await sleep(1);
  return currentClass(input);
}

export async function importJob(input: ImportJobInput) {
  await sleep(1);
  return currentImport(input);
}

export async function exportJob(input: ExportJobInput) {
  await sleep(1);
  return currentExport(input);
}
