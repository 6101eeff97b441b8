export { IpPoolsPanel } from './components/ip-pools-panel';
export { NasPanel } from './components/nas-panel';
export { canEditNetwork } from './permissions';
