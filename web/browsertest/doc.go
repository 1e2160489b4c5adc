// Package browsertest drives the real wayfare binary with headless Chromium:
// the whole story of a pitch, several people in their own browser sessions
// at once, live updates between their tabs, a keyboard-only pass, axe-core
// accessibility checks and screenshots of every page type; and single
// sign-on through a real OpenID provider that runs inside the test.
//
// The package holds tests only. They need Chromium (/usr/bin/chromium or
// $WAYFARE_CHROMIUM) and axe-core installed with npm into
// web/browsertest/node_modules_root (or $WAYFARE_AXE pointing at axe.min.js):
//
//	npm install --no-save --prefix web/browsertest/node_modules_root axe-core@4.14.1
//
// Without them the tests skip, unless WAYFARE_REQUIRE_BROWSER=1, as in CI.
// Screenshots go to $WAYFARE_SCREENSHOTS, or tmp/screenshots in the repository.
package browsertest
