// BUG: the callback posts the device zap and returns at once, before the device confirmed the
// TLB flush (rule 6). The bundled example ../../early-return-driver.ts, unchanged.
export { default } from '../../early-return-driver.ts';
