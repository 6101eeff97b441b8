export { JobHistory } from './components/job-history';
export { JobsTable } from './components/jobs-table';
export { parseStatusFilter, statusFilterParam } from './labels';
