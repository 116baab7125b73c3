const DAY_MS = 24 * 3600 * 1000;

/** The UTC day (YYYY-MM-DD) `offsetDays` from `instant`: the form of `expiryDay` and `reverifyDay`. */
export const calendarDay = (instant: Date, offsetDays = 0): string => new Date(instant.getTime() + offsetDays * DAY_MS).toISOString().slice(0, 10);
