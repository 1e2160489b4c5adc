package mail

import (
	"context"
	"testing"

	"github.com/wayfare-org/wayfare/notifications/mail/mailtest"
)

// BenchmarkSendBatch sends batches of 1,000 rendered digests over one
// connection each to a local server and reports messages per second.
func BenchmarkSendBatch(b *testing.B) {
	const batch = 1000
	srv := mailtest.Start(b)
	s := senderFor(b, srv, nil)
	subject, text, html, err := RenderDigest(Digest{
		Period:      "daily",
		Groups:      []Group{{Title: "Four-day week", URL: "https://w.example/pitches/7", Items: items(5)}},
		Waiting:     items(2),
		Unsubscribe: "https://w.example/unsubscribe/t0k",
		Preferences: "https://w.example/settings",
	})
	if err != nil {
		b.Fatal(err)
	}
	msgs := testMessages(batch)
	for _, m := range msgs {
		m.Subject, m.Text, m.HTML = subject, text, html
		m.Unsubscribe = "https://w.example/unsubscribe/t0k"
		m.References = []string{ThreadID("digest", "wayfare.example.org")}
	}
	sent := 0
	for b.Loop() {
		for i, r := range s.Send(context.Background(), msgs) {
			if r.Err != nil {
				b.Fatalf("message %d: %v", i, r.Err)
			}
		}
		sent += batch
	}
	b.ReportMetric(float64(sent)/b.Elapsed().Seconds(), "msgs/s")
}
