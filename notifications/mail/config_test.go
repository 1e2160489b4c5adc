package mail

import (
	"strings"
	"testing"

	"github.com/wayfare-org/wayfare"
)

func TestParseURL(t *testing.T) {
	tests := []struct {
		in   string
		want Config
	}{
		{"smtp://mail.example.org", Config{Scheme: "smtp", Host: "mail.example.org", Port: 25}},
		{"smtp://mail.example.org:2525", Config{Scheme: "smtp", Host: "mail.example.org", Port: 2525}},
		{"smtp://bot:secret@mail.example.org", Config{Scheme: "smtp", Host: "mail.example.org", Port: 587, Username: "bot", Password: "secret"}},
		{"smtp://bot:secret@mail.example.org:25", Config{Scheme: "smtp", Host: "mail.example.org", Port: 25, Username: "bot", Password: "secret"}},
		{"smtps://mail.example.org", Config{Scheme: "smtps", Host: "mail.example.org", Port: 465}},
		{"smtps://bot:secret@mail.example.org:4650", Config{Scheme: "smtps", Host: "mail.example.org", Port: 4650, Username: "bot", Password: "secret"}},
		{"SMTP://Mail.Example.org/", Config{Scheme: "smtp", Host: "Mail.Example.org", Port: 25}},
		{"  smtp://127.0.0.1:1025  ", Config{Scheme: "smtp", Host: "127.0.0.1", Port: 1025}},
		{"smtp://[::1]:1025", Config{Scheme: "smtp", Host: "::1", Port: 1025}},
		{"smtp://wayfare%40example.org:p%40ss%3Aw%2Fo%25rd@mail.example.org", Config{Scheme: "smtp", Host: "mail.example.org", Port: 587, Username: "wayfare@example.org", Password: "p@ss:w/o%rd"}},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseURL(tt.in)
			if err != nil {
				t.Fatalf("ParseURL: %v", err)
			}
			if got != tt.want {
				t.Errorf("ParseURL = %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestParseURLErrors(t *testing.T) {
	tests := []struct {
		in, msg string // msg: a part of the message
	}{
		{"", "empty"},
		{"http://mail.example.org", "smtp:// or smtps://"},
		{"mail.example.org:25", "smtp:// or smtps://"},
		{"smtp:mail.example.org", "path"},
		{"smtp://", "no host"},
		{"smtp://:25", "no host"},
		{"smtp://mail.example.org:0", "bad port"},
		{"smtp://mail.example.org:70000", "bad port"},
		{"smtp://bot:hunter2@mail.example.org:x25", "bad port"},
		{"smtp://mail.example.org/relay", "path"},
		{"smtp://mail.example.org?tls=yes", "query"},
		{"smtp://mail.example.org#x", "fragment"},
		{"smtp://bot@mail.example.org", "no password"},
		{"smtp://:hunter2@mail.example.org", "no user name"},
		{"smtp://bot:hun%zzter2@mail.example.org", "not a URL"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			_, err := ParseURL(tt.in)
			if err == nil {
				t.Fatal("ParseURL accepted it")
			}
			e, ok := wayfare.AsError(err)
			if !ok || e.Code != wayfare.EINVALID || e.Field != "smtp-url" {
				t.Fatalf("error %#v, want a field error of smtp-url", err)
			}
			if !strings.Contains(e.Message, tt.msg) {
				t.Errorf("message %q does not say %q", e.Message, tt.msg)
			}
			if strings.Contains(err.Error(), "hunter2") || strings.Contains(err.Error(), "hun%zzter2") {
				t.Errorf("message %q repeats the password", err)
			}
		})
	}
}

func TestConfigStringHidesPassword(t *testing.T) {
	cfg, err := ParseURL("smtp://bot:hunter2@mail.example.org")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := cfg.String(), "smtp://bot@mail.example.org:587"; got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
}

func TestNewSenderChecksFrom(t *testing.T) {
	cfg := Config{Scheme: "smtp", Host: "127.0.0.1", Port: 25}
	for _, from := range []string{"", "wayfare", "Wayfare <wayfare>", "a@b, c@d"} {
		_, err := NewSender(cfg, from)
		if e, ok := wayfare.AsError(err); !ok || e.Field != "mail-from" {
			t.Errorf("NewSender(%q) = %v, want a field error of mail-from", from, err)
		}
	}
	s, err := NewSender(cfg, "Wayfare <wayfare@example.org>")
	if err != nil {
		t.Fatal(err)
	}
	if got := s.From(); got != (Address{Name: "Wayfare", Email: "wayfare@example.org"}) {
		t.Errorf("From() = %+v", got)
	}
	if _, err := NewSender(Config{Scheme: "smtp", Host: "h"}, "w@example.org"); err == nil {
		t.Error("NewSender accepted port 0")
	}
}
