import type { components } from './schema';

/** Named shapes of the API, straight from the generated OpenAPI types. */
export type Schemas = components['schemas'];
export type TokenResponse = Schemas['TokenResponse'];
export type Problem = Schemas['Problem'];
export type Role = Schemas['Role'];
