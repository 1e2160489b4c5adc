package notifications

import (
	"testing"
	"time"

	"github.com/wayfare-org/wayfare"
)

func TestPreferencesValidate(t *testing.T) {
	tests := []struct {
		name   string
		p      Preferences
		fields []string
	}{
		{"defaults", *Defaults(), nil},
		{"empty time zone is UTC", Preferences{Email: Daily, DigestHour: 0}, nil},
		{"unknown frequency", Preferences{Email: "hourly", TimeZone: "UTC"}, []string{"email"}},
		{"hour too late", Preferences{Email: Daily, DigestHour: 24, TimeZone: "UTC"}, []string{"digest_hour"}},
		{"negative hour", Preferences{Email: Daily, DigestHour: -1, TimeZone: "UTC"}, []string{"digest_hour"}},
		{"unknown zone", Preferences{Email: Weekly, TimeZone: "Mars/Olympus"}, []string{"time_zone"}},
		{"unknown kind", Preferences{Email: Off, TimeZone: "UTC", Kinds: map[Kind]bool{"pitch.liked": true}}, []string{"kinds"}},
		{"all at once", Preferences{Email: "x", DigestHour: 99, TimeZone: "nowhere"}, []string{"email", "digest_hour", "time_zone"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.p.Validate()
			var got []string
			if e, ok := wayfare.AsError(err); ok {
				for _, f := range e.All() {
					got = append(got, f.Field)
				}
			} else if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(tt.fields) {
				t.Fatalf("fields = %v, want %v", got, tt.fields)
			}
			for i := range got {
				if got[i] != tt.fields[i] {
					t.Fatalf("fields = %v, want %v", got, tt.fields)
				}
			}
			if err == nil && len(tt.p.Kinds) != len(Kinds()) {
				t.Errorf("kinds left out are not filled in: %v", tt.p.Kinds)
			}
		})
	}
}

func TestNextDigest(t *testing.T) {
	paris, _ := time.LoadLocation("Europe/Paris")
	tokyo, _ := time.LoadLocation("Asia/Tokyo")
	at := func(loc *time.Location, s string) time.Time {
		v, err := time.ParseInLocation("2006-01-02 15:04", s, loc)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	tests := []struct {
		name string
		p    Preferences
		from time.Time
		want time.Time
	}{
		{"daily, later today", Preferences{Email: Daily, DigestHour: 6, TimeZone: "Europe/Paris"}, at(paris, "2026-12-07 05:59"), at(paris, "2026-12-07 06:00")},
		{"daily, at the hour goes to tomorrow", Preferences{Email: Daily, DigestHour: 6, TimeZone: "Europe/Paris"}, at(paris, "2026-12-07 06:00"), at(paris, "2026-12-08 06:00")},
		{"daily in Tokyo from UTC", Preferences{Email: Daily, DigestHour: 6, TimeZone: "Asia/Tokyo"}, at(time.UTC, "2026-12-07 20:00"), at(tokyo, "2026-12-08 06:00")},
		{"weekly goes to Monday", Preferences{Email: Weekly, DigestHour: 9, TimeZone: "Europe/Paris"}, at(paris, "2026-12-08 10:00"), at(paris, "2026-12-14 09:00")},
		{"weekly, Monday before the hour", Preferences{Email: Weekly, DigestHour: 9, TimeZone: "Europe/Paris"}, at(paris, "2026-12-14 08:00"), at(paris, "2026-12-14 09:00")},
		{"clocks go forward: 02:00 is skipped", Preferences{Email: Daily, DigestHour: 2, TimeZone: "Europe/Paris"}, at(paris, "2027-03-27 12:00"), at(paris, "2027-03-28 03:00")},
		{"clocks go back: 06:00 once", Preferences{Email: Daily, DigestHour: 6, TimeZone: "Europe/Paris"}, at(paris, "2027-10-30 12:00"), at(paris, "2027-10-31 06:00")},
		{"immediate has none", Preferences{Email: Immediate, DigestHour: 6, TimeZone: "UTC"}, at(time.UTC, "2026-12-07 05:00"), time.Time{}},
		{"off has none", Preferences{Email: Off, DigestHour: 6, TimeZone: "UTC"}, at(time.UTC, "2026-12-07 05:00"), time.Time{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.p.NextDigest(tt.from); !got.Equal(tt.want) {
				t.Errorf("NextDigest(%v) = %v, want %v", tt.from, got, tt.want)
			}
		})
	}
}

func TestUnsubscribeToken(t *testing.T) {
	key := []byte("0123456789abcdef0123456789abcdef")
	tok := UnsubscribeToken(key, 42)
	if id, ok := ParseUnsubscribe(key, tok); !ok || id != 42 {
		t.Fatalf("parse = %d, %v", id, ok)
	}
	other := UnsubscribeToken(key, 43)
	forged := other[:2] + tok[2:]
	for _, bad := range []string{"", "!!", tok + "x", forged, UnsubscribeToken([]byte("another key"), 42), tok[:len(tok)-1]} {
		if id, ok := ParseUnsubscribe(key, bad); ok {
			t.Errorf("ParseUnsubscribe(%q) = %d, accepted", bad, id)
		}
	}
}
