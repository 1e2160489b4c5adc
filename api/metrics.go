package api

import (
	"crypto/sha256"
	"crypto/subtle"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/wayfare-org/wayfare"
)

// metrics is the server's Prometheus registry: requests by route and
// status, their latency, live event listeners and the data version.
type metrics struct {
	reg      *prometheus.Registry
	requests *prometheus.CounterVec
	latency  *prometheus.HistogramVec
}

func newMetrics(svc Services) *metrics {
	m := &metrics{reg: prometheus.NewRegistry()}
	m.requests = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "wayfare_http_requests_total", Help: "HTTP requests by route and status.",
	}, []string{"route", "status"})
	m.latency = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name: "wayfare_http_request_duration_seconds", Help: "HTTP request latency by route.",
		Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5},
	}, []string{"route"})
	m.reg.MustRegister(m.requests, m.latency,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "wayfare_event_listeners", Help: "Open event streams."},
			func() float64 { return float64(svc.Hub().Listeners()) }),
		prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "wayfare_commits_total", Help: "Write transactions committed."},
			func() float64 { return float64(svc.Version()) }),
	)
	return m
}

// Register adds collectors, such as the store's, to the registry.
func (s *Server) Register(cs ...prometheus.Collector) { s.metrics.reg.MustRegister(cs...) }

func (m *metrics) handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{})
}

// Metrics returns the Prometheus metrics. With a token, they are served
// only to a request that bears it (Authorization: Bearer <token>); with
// none, to anyone who reaches the handler, which is then for a listener
// of its own.
func (s *Server) Metrics(token string) http.Handler {
	h := s.metrics.handler()
	if token == "" {
		return h
	}
	want := sha256.Sum256([]byte(token))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		sum := sha256.Sum256([]byte(strings.TrimSpace(got)))
		if !ok || subtle.ConstantTimeCompare(sum[:], want[:]) != 1 {
			w.Header().Set("WWW-Authenticate", `Bearer realm="metrics"`)
			writeError(w, r, s.log, &wayfare.Error{Code: wayfare.EUNAUTHORIZED, Message: "the metrics token is required"})
			return
		}
		h.ServeHTTP(w, r)
	})
}

type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

func (m *metrics) instrument(route string, h http.Handler) http.Handler {
	counters := map[int]prometheus.Counter{}
	for _, code := range []int{200, 201, 204, 400, 401, 403, 404, 409, 413, 500, 503} {
		counters[code] = m.requests.WithLabelValues(route, strconv.Itoa(code))
	}
	obs := m.latency.WithLabelValues(route)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w}
		h.ServeHTTP(sw, r)
		if sw.status == 0 {
			sw.status = http.StatusOK
		}
		obs.Observe(time.Since(start).Seconds())
		if c, ok := counters[sw.status]; ok {
			c.Inc()
		} else {
			m.requests.WithLabelValues(route, strconv.Itoa(sw.status)).Inc()
		}
	})
}
