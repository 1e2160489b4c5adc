package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"

	"github.com/wayfare-org/wayfare"
	"github.com/wayfare-org/wayfare/leadership"
)

// apiClient is a small JSON client of the Wayfare API, for seeding and
// checking; the load itself goes through the loader.
type apiClient struct {
	client       *http.Client
	base         string
	metricsToken string // for /metrics
}

// call sends in as JSON (none when nil), expects the status want and
// decodes the answer into out (unless nil).
func (a *apiClient) call(ctx context.Context, method, path, token string, in, out any, want int) error {
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return err
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, a.base+path, body)
	if err != nil {
		return err
	}
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := a.client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if resp.StatusCode != want {
		return fmt.Errorf("%s %s: %s: %s", method, path, resp.Status, bytes.TrimSpace(b))
	}
	if out == nil {
		return nil
	}
	return json.Unmarshal(b, out)
}

// ticketsSold reads tickets_sold of every pitch, a page of 500 at a time.
func (a *apiClient) ticketsSold(ctx context.Context, token string) (map[wayfare.ID]int, error) {
	sold := map[wayfare.ID]int{}
	cursor := ""
	for {
		var page struct {
			Items      []leadership.Pitch `json:"items"`
			NextCursor string             `json:"next_cursor"`
		}
		path := "/api/v1/pitches?limit=500"
		if cursor != "" {
			path += "&cursor=" + url.QueryEscape(cursor)
		}
		if err := a.call(ctx, "GET", path, token, nil, &page, 200); err != nil {
			return nil, err
		}
		for _, p := range page.Items {
			sold[p.ID] = p.TicketsSold
		}
		if page.NextCursor == "" {
			return sold, nil
		}
		cursor = page.NextCursor
	}
}

// metric reads one unlabelled value from the server's /metrics.
func (a *apiClient) metric(ctx context.Context, name string) (float64, error) {
	req, err := http.NewRequestWithContext(ctx, "GET", a.base+"/metrics", nil)
	if err != nil {
		return 0, err
	}
	req.Header.Set("Authorization", "Bearer "+a.metricsToken)
	resp, err := a.client.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return 0, fmt.Errorf("/metrics: %s", resp.Status)
	}
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return 0, err
	}
	for line := range bytes.Lines(b) {
		if v, ok := bytes.CutPrefix(line, []byte(name+" ")); ok {
			var f float64
			_, err := fmt.Sscan(string(v), &f)
			return f, err
		}
	}
	return 0, fmt.Errorf("/metrics has no %s", name)
}
