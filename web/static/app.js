// Wayfare's own script: live updates from the ledger and a few
// conveniences. Every page works without it.
"use strict";

(function () {
  // dirty reports whether someone has typed or chosen something in a form
  // field inside el: such a region waits, so no form is pulled from under them.
  function dirty(el) {
    return Array.prototype.some.call(el.querySelectorAll("input, textarea, select"), function (f) {
      if (f.type === "hidden" || f.type === "submit") return false;
      if (f.type === "checkbox" || f.type === "radio") return f.checked !== f.defaultChecked;
      if (f.tagName === "SELECT") {
        if (f.multiple) return Array.prototype.some.call(f.options, function (o) { return o.selected !== o.defaultSelected; });
        var first = -1; // with no option marked selected, the first one is
        Array.prototype.forEach.call(f.options, function (o, i) { if (o.defaultSelected && first < 0) first = i; });
        return f.selectedIndex !== Math.max(first, 0);
      }
      return f.value !== f.defaultValue;
    });
  }

  // focusKey names the focused control so that its fresh copy can take the
  // focus back: its id, or its form's action and its text, or its address.
  function focusKey(node) {
    if (node.id) return "#" + node.id;
    var form = node.form || (node.closest && node.closest("form"));
    if (form) return "form " + form.getAttribute("action") + " " + node.textContent.trim();
    if (node.getAttribute && node.getAttribute("href")) return "href " + node.getAttribute("href");
    return null;
  }

  function findByKey(root, key) {
    if (key.charAt(0) === "#") return root.querySelector("[id='" + key.slice(1).replace(/'/g, "\\'") + "']");
    var found = null;
    root.querySelectorAll("button, input, select, textarea, a[href]").forEach(function (n) {
      if (!found && focusKey(n) === key) found = n;
    });
    return found;
  }

  // announcement is what a region asks screen readers to say when it
  // changes: the text of its [data-announce] element.
  function announcement(el) {
    var a = el.querySelector("[data-announce]");
    return a ? a.textContent.replace(/\s+/g, " ").trim() : "";
  }

  // Refresh a live region in place with a fresh copy from the server. The
  // region's element stays and the keyboard focus stays on the same
  // control; what changed is said once in the page's status line (a
  // replaced aria-live region is not announced). A region with a
  // half-filled form waits and tries again.
  function refresh(name) {
    var el = document.querySelector('[data-fragment="' + name + '"]');
    if (!el) return;
    if (dirty(el)) { setTimeout(function () { soon(name); }, 2000); return; }
    fetch(location.pathname + location.search, { headers: { "X-Wayfare-Fragment": name }, credentials: "same-origin" })
      .then(function (r) { return r.ok && !r.redirected ? r.text() : null; })
      .then(function (html) {
        if (html === null) return;
        if (dirty(el)) { setTimeout(function () { soon(name); }, 2000); return; }
        var box = document.createElement("div");
        box.innerHTML = html.trim();
        var fresh = box.firstElementChild;
        if (!fresh) return;
        var quiet = el.hasAttribute("data-quiet"); // a region of many figures: no single one to say
        var before = quiet ? "" : announcement(el);
        var active = document.activeElement;
        var key = active && el.contains(active) && active !== el ? focusKey(active) : null;
        Array.prototype.forEach.call(fresh.attributes, function (a) { el.setAttribute(a.name, a.value); });
        el.replaceChildren.apply(el, Array.prototype.slice.call(fresh.childNodes));
        el.dispatchEvent(new CustomEvent("wayfare:fresh", { bubbles: true }));
        if (key) {
          var again = findByKey(el, key);
          if (again) again.focus({ preventScroll: true });
        }
        var now = quiet ? "" : announcement(el), status = document.getElementById("live-status");
        if (status && now && now !== before) status.textContent = now;
        el.classList.remove("live-flash");
        void el.offsetWidth; // restart the animation
        el.classList.add("live-flash");
      })
      .catch(function () {});
  }

  var home = document.querySelector("[data-live-home]");
  var pitch = document.querySelector("[data-live-pitch]");
  var journey = document.querySelector("[data-live-journey]");
  var session = document.querySelector("[data-live-session]");
  var actsList = document.querySelector("[data-live-acts]");
  var bell = document.querySelector("[data-unread]");
  if (!home && !pitch && !journey && !session && !actsList && !bell) return;
  if (!window.EventSource) return;

  var pending = {};
  function soon(name, wait) { // coalesce bursts of acts into one fetch
    if (pending[name]) return;
    pending[name] = setTimeout(function () { pending[name] = null; refresh(name); }, wait || 150);
  }

  // The first connection replays the acts after the newest one the page
  // was read after; reconnections resume from the last event (Last-Event-ID).
  var after = document.getElementById("live-after");
  var events = new EventSource("/events" + (after ? "?after=" + encodeURIComponent(after.dataset.after) : ""));
  events.onmessage = null;
  function onAct(e) {
    var act;
    try { act = JSON.parse(e.data); } catch (err) { return; }
    if (home) {
      // A purchase matters here only for a pitch the page shows; anything
      // else may change what the lists hold.
      var ticket = act.verb === "ticket.bought" || act.verb === "ticket.refunded";
      var me = document.querySelector(".me a[href^='/people/']");
      var mine = me && act.person_id && me.getAttribute("href") === "/people/" + act.person_id;
      if (mine || (ticket && home.querySelector('a[href="/pitches/' + act.subject_id + '"]'))) soon("home");
      else if (!ticket) soon("home", 1000); // the lists may change: one read a second at most, whatever the org does
    }
    if (pitch && act.subject_kind === "pitch" && act.subject_id === pitch.dataset.livePitch) {
      soon("tickets");
      if (act.verb === "decision.made" || act.verb.indexOf("round.") === 0 || act.verb === "response.given") soon("decisions");
    }
    if (session && act.subject_kind === "session" && act.subject_id === session.dataset.liveSession) {
      soon("session");
    }
    if (journey && act.subject_kind === "journey" && act.subject_id === journey.dataset.liveJourney) {
      soon("live");
    }
    if (actsList && !location.search) {
      var li = document.createElement("li");
      li.className = "act act-" + act.function + " live-flash";
      var chip = document.createElement("span");
      chip.className = "chip fn-" + act.function;
      chip.textContent = act.function;
      var verb = document.createElement("span");
      verb.className = "verb";
      verb.textContent = " " + act.verb.replace(/[._]/g, " ") + " ";
      var link = document.createElement("a");
      link.href = "/" + ({ person: "people", pitch: "pitches", journey: "journeys", group: "groups", session: "sessions" }[act.subject_kind] || "acts") + "/" + act.subject_id;
      link.textContent = act.subject_kind + " " + act.subject_id;
      li.append(chip, verb, link);
      actsList.prepend(li);
    }
  }
  ["ticket.bought", "ticket.refunded", "decision.made", "doubt.raised", "rider.reconfirmed", "rider.left",
   "repitch.posted", "checkin.posted", "journey.departed", "journey.arrived", "journey.abandoned",
   "stop.added", "stop.done", "stop.reopened", "driver.named", "pitch.published", "example.posted",
   "pitch.withdrawn", "session.opened", "session.moved", "idea.posted", "cluster.made", "vote.cast",
   "round.opened", "response.given", "round.closed", "role.set", "person.updated"].forEach(function (verb) {
    events.addEventListener(verb, onAct);
  });
  events.addEventListener("inbox", function (e) { // the bell: the unread count, live
    var n;
    try { n = JSON.parse(e.data).unread; } catch (err) { return; }
    if (!bell || typeof n !== "number") return;
    bell.dataset.unread = String(n);
    var count = bell.querySelector("[data-unread-count]");
    var words = bell.querySelector("[data-unread-words]");
    if (count) { count.textContent = String(n); count.hidden = n === 0; }
    if (words) words.textContent = n === 0 ? " none unread" : " unread";
  });
  events.addEventListener("gap", function () { // acts were lost to this tab: read every live region afresh
    if (actsList && !location.search) { location.reload(); return; }
    if (home) soon("home");
    if (pitch) { soon("tickets"); soon("decisions"); }
    if (session) soon("session");
    if (journey) soon("live");
  });
})();

(function () {
  // Similar pitches while the title is typed.
  var title = document.querySelector("[data-similar]");
  if (!title) return;
  var timer = null;
  title.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(function () {
      var q = title.value.trim();
      var box = document.querySelector(title.dataset.similar);
      if (!box) return;
      if (q.length < 3) { box.textContent = ""; return; }
      fetch("/pitches/similar?q=" + encodeURIComponent(q), { credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.text() : ""; })
        .then(function (html) { box.innerHTML = html; })
        .catch(function () {});
    }, 250);
  });
})();

(function () {
  // A decision form shows the fields its chosen outcome needs, and only
  // those; with no outcome chosen yet it shows none of them.
  function outcomeFields(form) {
    var chosen = form.querySelector("[data-outcome-choice]:checked");
    form.querySelectorAll("[data-for-outcome]").forEach(function (p) {
      p.hidden = !chosen || p.dataset.forOutcome !== chosen.value;
    });
  }
  function all(root) {
    root.querySelectorAll("form").forEach(function (f) {
      if (f.querySelector("[data-outcome-choice]")) outcomeFields(f);
    });
  }
  document.addEventListener("change", function (e) {
    if (e.target.matches && e.target.matches("[data-outcome-choice]") && e.target.form) outcomeFields(e.target.form);
  });
  document.addEventListener("wayfare:fresh", function (e) { all(e.target); });
  all(document);
})();

(function () {
  // Person pickers: the list fills with the people whose name fits what
  // is typed, and the chosen person's id goes with the name.
  var timers = new WeakMap();
  function pair(input) {
    var hidden = input.form && input.form.elements[input.dataset.pickPerson];
    if (!hidden) return;
    var match = Array.prototype.find.call(input.list ? input.list.options : [], function (o) { return o.value === input.value; });
    hidden.value = match ? match.dataset.id : "";
  }
  function fill(input) {
    var q = input.value.trim(), list = input.list;
    if (!list || q.length < 2) return;
    fetch("/people/pick?q=" + encodeURIComponent(q), { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : []; })
      .then(function (people) {
        list.replaceChildren.apply(list, people.map(function (p) {
          var o = document.createElement("option");
          o.value = p.label;
          o.dataset.id = p.id;
          return o;
        }));
        pair(input);
      })
      .catch(function () {});
  }
  document.addEventListener("input", function (e) {
    var input = e.target;
    if (!input.matches || !input.matches("[data-pick-person]")) return;
    pair(input);
    clearTimeout(timers.get(input));
    timers.set(input, setTimeout(function () { fill(input); }, 150));
  });
})();
