/**
 * Delivered times: ISO-8601 UTC text in exactly the shape `Date.prototype.toISOString` writes, so
 * every time a consumer sees (SC's dates and the run's `collected_at`) has one format.
 */

// '00'…'99', so formatting a time allocates nothing but the result.
const TWO_DIGITS = Array.from({ length: 100 }, (_, n) => String(n).padStart(2, '0'));

/**
 * Whole epoch seconds (1970–9999, as {@link epochSeconds} returns) as ISO-8601 UTC text, exactly
 * what `new Date(seconds * 1000).toISOString()` writes (`2024-03-04T12:00:00.000Z`); null stays
 * null. Computed with integer calendar arithmetic (Hinnant's days-to-civil): a row has up to eight
 * dates, and a Date object per date was the costliest step of a row.
 */
export function isoOf(seconds: number | null): string | null {
  if (seconds === null) return null;
  const days = Math.floor(seconds / 86_400);
  const secondOfDay = seconds - days * 86_400;
  const era = Math.floor((days + 719_468) / 146_097);
  const dayOfEra = days + 719_468 - era * 146_097;
  const yearOfEra = Math.floor(
    (dayOfEra -
      Math.floor(dayOfEra / 1460) +
      Math.floor(dayOfEra / 36_524) -
      Math.floor(dayOfEra / 146_096)) /
      365,
  );
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const monthIndex = Math.floor((5 * dayOfYear + 2) / 153); // 0 = March
  const day = dayOfYear - Math.floor((153 * monthIndex + 2) / 5) + 1;
  const month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9;
  const year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
  const hour = Math.floor(secondOfDay / 3600);
  const minute = Math.floor((secondOfDay % 3600) / 60);
  return `${year}-${TWO_DIGITS[month]}-${TWO_DIGITS[day]}T${TWO_DIGITS[hour]}:${TWO_DIGITS[minute]}:${TWO_DIGITS[secondOfDay % 60]}.000Z`;
}
