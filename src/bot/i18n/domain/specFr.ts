import type { SPEC_EN } from './specEn';

// TODO(l10n): translate — until then the strict pseudo-locale and translation tests fail.
export const SPEC_FR: Readonly<Record<keyof typeof SPEC_EN, string>> = {} as Readonly<Record<keyof typeof SPEC_EN, string>>;
