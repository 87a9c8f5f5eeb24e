// How dates are written (language, date and time format), as reactive
// state: format.ts reads it, applyAppearance() sets it.
export type DateStyle = { locale: string; date: string; time: string };
export const dateStyle = $state<DateStyle>({ locale: 'en', date: 'system', time: 'system' });
