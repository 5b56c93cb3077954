import type { JOURNEYS_EN } from './journeysEn';

// TODO(l10n): translate — until then the strict pseudo-locale and translation tests fail.
export const JOURNEYS_DE: Readonly<Record<keyof typeof JOURNEYS_EN, string>> = {} as Readonly<Record<keyof typeof JOURNEYS_EN, string>>;
