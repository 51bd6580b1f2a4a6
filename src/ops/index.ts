export { Tensor } from './tensor.js';
