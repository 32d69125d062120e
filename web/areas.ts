import type { AppDeps } from '../app/deps';
import type { SecureRouter } from './router';
import { registerLogin } from './auth/login';
import { registerRegistration } from './auth/register';
import { registerAccount } from './auth/account';
import { registerDashboard } from './dashboard/routes';
import { registerHealth } from './health/routes';
import { registerCourses } from './courses/routes';
import { registerTeachers } from './teachers/routes';
import { registerConnections } from './connections/routes';
import { registerAdmins } from './admins/routes';
import { registerClasses } from './classes/routes';
import { registerDeclarations } from './declarations/routes';
import { registerTrainees } from './trainees/routes';
import { registerImports } from './imports/routes';
import { registerExports } from './exports/routes';
import { registerInstitutions } from './institutions/routes';
import { registerReview } from './review/routes';
import { registerAuditor } from './auditor/routes';
import { registerPlatform } from './platform/routes';
import { registerBases } from './bases/routes';
import { registerAnnualReviews } from './annualReviews/routes';

/**
 * Every area's routes, registered in this order. An area adds one line here and
 * nothing else in the app shell.
 */
export const AREAS: Array<(r: SecureRouter, deps: AppDeps) => void> = [
  registerHealth,
  registerLogin,
  registerRegistration,
  registerAccount,
  registerDashboard,
  registerCourses,
  registerTeachers,
  registerConnections,
  registerAdmins,
  registerDeclarations,
  registerClasses,
  registerTrainees,
  registerImports,
  registerExports,
  registerInstitutions,
  registerReview,
  registerAuditor,
  registerPlatform,
  registerBases,
  registerAnnualReviews,
];
