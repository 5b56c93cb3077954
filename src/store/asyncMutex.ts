export { AsyncMutex } from '../core/asyncMutex';
