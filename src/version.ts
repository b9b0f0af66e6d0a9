/** Kue's version (kept equal to package.json's by a test). */
export const version = '1.0.0-alpha.1';
