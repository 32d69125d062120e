// The bundle of the deliberately reordered workflow copy (institutionsReplay.test.ts).
export { institutionApplication } from './institutionApplication';
