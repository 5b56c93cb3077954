import type { ERRORS_EN } from './errorsEn';

// TODO(l10n): translate — until then the strict pseudo-locale and translation tests fail.
export const ERRORS_FR: Readonly<Record<keyof typeof ERRORS_EN, string>> = {} as Readonly<Record<keyof typeof ERRORS_EN, string>>;
