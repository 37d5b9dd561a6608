import type { ActivateFeature } from '../context';

// Placeholder: the promote feature is not built yet. The shell answers its commands with "not available yet".
export const activateFeature: ActivateFeature = () => ({});
