// The worker's workflow bundle: every workflow type the platform runs, exported here.
export {};
export { classDeclaration } from './classDeclaration';
export { institutionApplication } from './institutionApplication';
export { baseApplication } from './baseApplication';
export { annualReview } from './annualReview';
export { importJob } from './importJob';
export { exportJob } from './exportJob';
