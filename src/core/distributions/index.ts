// Dist readers and checks: wheels, sdists, conda packages, read without extracting.
export * from './read-dist.js';
export { checkDist } from './check.js';
export { reportFails, type CheckOptions, type CheckReport, type Finding } from './check-types.js';
