// CommonJS entry: `require('kue')` returns the callable module itself, like Kue's.
import kue from './index.js';
export default kue;
