import type { CHECKS_EN } from './checksEn';

// TODO(l10n): translate — until then the strict pseudo-locale and translation tests fail.
export const CHECKS_FR: Readonly<Record<keyof typeof CHECKS_EN, string>> = {} as Readonly<Record<keyof typeof CHECKS_EN, string>>;
