package web

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strconv"
	"strings"
)

//go:embed static
var staticFS embed.FS

// asset is one of our front-end files, kept in memory plain and gzipped.
type asset struct {
	name, url, contentType string
	plain, gz              []byte
}

// assets serves our own front-end files under URLs that carry a hash of
// their content, so that browsers may keep them for a year.
type assets struct {
	byName map[string]*asset // "app.css"
	byURL  map[string]*asset // "/static/app.1a2b3c4d.css"
}

func loadAssets() (*assets, error) {
	a := &assets{byName: map[string]*asset{}, byURL: map[string]*asset{}}
	err := fs.WalkDir(staticFS, "static", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := staticFS.ReadFile(p)
		if err != nil {
			return err
		}
		name := strings.TrimPrefix(p, "static/")
		sum := sha256.Sum256(b)
		ext := path.Ext(name)
		var gz bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&gz, gzip.BestCompression)
		zw.Write(b)
		zw.Close()
		x := &asset{name: name, url: "/static/" + strings.TrimSuffix(name, ext) + "." + hex.EncodeToString(sum[:4]) + ext,
			contentType: mime.TypeByExtension(ext), plain: b, gz: gz.Bytes()}
		a.byName[name], a.byURL[x.url] = x, x
		return nil
	})
	return a, err
}

// url returns the hashed URL of a file; templates call it as {{asset "app.css"}}.
func (a *assets) url(name string) string {
	if x, ok := a.byName[name]; ok {
		return x.url
	}
	return "/static/missing/" + name
}

func (a *assets) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	x, ok := a.byURL[r.URL.Path]
	if !ok {
		http.NotFound(w, r)
		return
	}
	h := w.Header()
	h.Set("Content-Type", x.contentType)
	h.Set("Cache-Control", "public, max-age=31536000, immutable")
	h.Set("Vary", "Accept-Encoding")
	body := x.plain
	if strings.Contains(r.Header.Get("Accept-Encoding"), "gzip") {
		h.Set("Content-Encoding", "gzip")
		body = x.gz
	}
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.Write(body)
}
