export * from './limits.js';
export * from './decompress.js';
export * from './zip.js';
export * from './tar.js';
