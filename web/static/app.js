// Wayfare's own script: live updates from the ledger and a few
// conveniences. Every page works without it.
"use strict";

(function () {
  // Replace a live region with a fresh copy from the server.
  function refresh(name) {
    var el = document.querySelector('[data-fragment="' + name + '"]');
    if (!el) return;
    fetch(location.pathname + location.search, { headers: { "X-Wayfare-Fragment": name }, credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.text() : null; })
      .then(function (html) {
        if (html === null) return;
        var focused = document.activeElement && el.contains(document.activeElement);
        if (focused) return; // never pull a form from under someone typing
        var box = document.createElement("div");
        box.innerHTML = html.trim();
        var fresh = box.firstElementChild;
        if (!fresh) return;
        el.replaceWith(fresh);
        fresh.classList.add("live-flash");
      })
      .catch(function () {});
  }

  var pitch = document.querySelector("[data-live-pitch]");
  var journey = document.querySelector("[data-live-journey]");
  var actsList = document.querySelector("[data-live-acts]");
  if (!pitch && !journey && !actsList) return;
  if (!window.EventSource) return;

  var pending = {};
  function soon(name) { // coalesce bursts of acts into one fetch
    if (pending[name]) return;
    pending[name] = setTimeout(function () { pending[name] = null; refresh(name); }, 150);
  }

  var events = new EventSource("/events");
  events.onmessage = null;
  function onAct(e) {
    var act;
    try { act = JSON.parse(e.data); } catch (err) { return; }
    if (pitch && act.subject_kind === "pitch" && act.subject_id === pitch.dataset.livePitch) {
      soon("tickets");
      if (act.verb === "decision.made") soon("decisions");
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
      link.href = "/" + (act.subject_kind === "person" ? "people" : act.subject_kind + "s") + "/" + act.subject_id;
      link.textContent = act.subject_kind + " " + act.subject_id;
      li.append(chip, verb, link);
      actsList.prepend(li);
    }
  }
  ["ticket.bought", "ticket.refunded", "decision.made", "doubt.raised", "rider.reconfirmed", "rider.left",
   "repitch.posted", "checkin.posted", "journey.departed", "journey.arrived", "journey.abandoned",
   "stop.added", "stop.done", "stop.reopened", "driver.named", "pitch.published", "example.posted",
   "pitch.withdrawn"].forEach(function (verb) { events.addEventListener(verb, onAct); });
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
