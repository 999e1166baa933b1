// npm run bench -- calendar: lunar conversions and working-day deadlines (figures printed, nothing asserted).
import { solarToLunar, lunarNewYear } from "./lunar.ts";
import { WorkingDayCalendar } from "./working-day-calendar.ts";
import { knownNoticesData } from "./holiday-data.ts";

function time(label: string, n: number, fn: (i: number) => unknown): void {
  const t0 = performance.now();
  for (let i = 0; i < n; i++) fn(i);
  const ms = performance.now() - t0;
  console.log(`${label}: ${n} in ${ms.toFixed(1)} ms (${((ms * 1000) / n).toFixed(1)} µs each)`);
}

time("solarToLunar", 20_000, (i) => solarToLunar(1 + (i % 28), 1 + (i % 12), 1950 + (i % 100)));
time("lunarNewYear", 2_000, (i) => lunarNewYear(1900 + (i % 250)));
time("new WorkingDayCalendar + first deadline (builds a year)", 200, (i) =>
  new WorkingDayCalendar(knownNoticesData()).addWorkingDays(`${2000 + (i % 50)}-02-01`, 3),
);
const cal = new WorkingDayCalendar(knownNoticesData());
time("addWorkingDays(…, 3) warm", 50_000, (i) => cal.addWorkingDays(`2026-${String(1 + (i % 12)).padStart(2, "0")}-10T09:00:00+07:00`, 3));
time("addWorkingDays(…, 250) warm", 2_000, () => cal.addWorkingDays("2026-01-02", 250));
