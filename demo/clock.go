package demo

import (
	"sync/atomic"
	"time"
)

// Clock is the clock a demo store reads: open the store with
// store.Config{Now: clock.Now}. Generate pins it to the moments of the
// history it writes, so that every act carries a believable time, and
// releases it when done; a released clock follows real time.
type Clock struct {
	pinned atomic.Int64 // Unix microseconds; 0 means real time
}

// NewClock returns a clock that follows real time.
func NewClock() *Clock { return &Clock{} }

// Now returns the pinned time, or the real time when the clock is free.
func (c *Clock) Now() time.Time {
	if v := c.pinned.Load(); v != 0 {
		return time.UnixMicro(v).UTC()
	}
	return time.Now()
}

// Set pins the clock to t.
func (c *Clock) Set(t time.Time) { c.pinned.Store(t.UnixMicro()) }

// Release lets the clock follow real time again.
func (c *Clock) Release() { c.pinned.Store(0) }

// wt is a moment of the history in working seconds since the first
// working day began. Plans are made in working time so that they do not
// depend on the date they are played on; the calendar turns them into
// real times on weekdays between 08:00 and 18:00 UTC.
type wt int64

// Units of working time.
const (
	minute wt = 60
	hour   wt = 60 * minute
	day    wt = 10 * hour // one working day
	week   wt = 5 * day
)

// calendar maps working time onto weekdays that end the day before now.
type calendar struct {
	days []time.Time // midnight UTC of each working day, past and future
	open wt          // working days of history
}

// newCalendar returns a calendar whose history holds historyDays working
// days ending with the last weekday before now, and that extends
// futureDays working days past it.
func newCalendar(now time.Time, historyDays, futureDays int) *calendar {
	d := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	var back []time.Time
	for len(back) < historyDays {
		d = d.AddDate(0, 0, -1)
		if weekday(d) {
			back = append(back, d)
		}
	}
	c := &calendar{open: wt(historyDays) * day}
	for i := len(back) - 1; i >= 0; i-- {
		c.days = append(c.days, back[i])
	}
	d = c.days[len(c.days)-1]
	for i := 0; i < futureDays; {
		d = d.AddDate(0, 0, 1)
		if weekday(d) {
			c.days = append(c.days, d)
			i++
		}
	}
	return c
}

func weekday(d time.Time) bool { return d.Weekday() != time.Saturday && d.Weekday() != time.Sunday }

// end is the first moment after the history.
func (c *calendar) end() wt { return c.open }

// at returns the real time of a moment.
func (c *calendar) at(t wt) time.Time {
	i := int(t / day)
	i = min(max(i, 0), len(c.days)-1)
	return c.days[i].Add(8*time.Hour + time.Duration(t%day)*time.Second)
}

// date returns the day of a moment as YYYY-MM-DD.
func (c *calendar) date(t wt) string { return c.at(t).Format(time.DateOnly) }
