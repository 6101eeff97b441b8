// The service pieces the 360° page composes.
export { ServicesPanel } from './components/services-panel';
