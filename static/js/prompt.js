// The prompt page: reorder chunks by dragging, count characters as one types,
// and put the focus back where it was after htmx swaps the page's region.
//
// The script sits in the page's content, so htmx runs it again after boosted
// navigation; the guard below makes the second run only rewire the page.
(function () {
  "use strict";

  if (window.saasaisitePrompt) {
    window.saasaisitePrompt.wire(document);
    return;
  }

  var script = document.currentScript;

  function updateCounter(textarea) {
    var counter = document.getElementById(textarea.dataset.counter);
    if (!counter) return;
    var limit = Number(textarea.dataset.limit);
    var count = textarea.value.length;
    counter.textContent = counter.dataset.format
      .replace("%(count)s", String(count))
      .replace("%(limit)s", String(limit));
    counter.classList.toggle("counter--over", count > limit);
  }

  function wireCounters(root) {
    root.querySelectorAll("textarea[data-counter]").forEach(function (textarea) {
      if (textarea.dataset.counted) return;
      textarea.dataset.counted = "yes";
      textarea.addEventListener("input", function () { updateCounter(textarea); });
      updateCounter(textarea);
    });
  }

  function wireSorting(root) {
    var list = root.querySelector("[data-sortable]");
    var form = document.getElementById("order-form");
    if (!list || !form || list.dataset.sorting || !window.Sortable) return;
    list.dataset.sorting = "yes";
    window.Sortable.create(list, {
      handle: ".drag-handle",
      animation: 150,
      onEnd: function (event) {
        if (event.oldIndex === event.newIndex) return;
        var ids = Array.prototype.map.call(list.children, function (item) {
          return item.dataset.id;
        });
        form.elements.order.value = ids.join(",");
        // htmx listens for submit on the form and posts it.
        window.htmx.trigger(form, "submit");
      }
    });
  }

  function restoreFocus(root) {
    var region = root.id === "prompt-region" ? root : root.querySelector("#prompt-region");
    if (!region || !region.dataset.focus) return;
    var target = document.getElementById(region.dataset.focus);
    if (!target) {
      // A chunk moved to an end loses one of its buttons: focus the chunk.
      var match = region.dataset.focus.match(/^(?:up|down)-(.+)$/);
      target = match && document.getElementById("chunk-" + match[1]);
    }
    if (target) target.focus();
  }

  function wire(root) {
    wireCounters(root);
    wireSorting(root);
  }

  function loadSortable(then) {
    if (window.Sortable || !script) return then();
    var tag = document.createElement("script");
    tag.src = script.dataset.sortable;
    tag.onload = then;
    document.head.appendChild(tag);
  }

  window.saasaisitePrompt = { wire: wire };
  loadSortable(function () { wire(document); });
  if (window.htmx) {
    window.htmx.onLoad(function (element) {
      wire(element);
      restoreFocus(element);
    });
  } else {
    document.addEventListener("DOMContentLoaded", function () {
      window.htmx.onLoad(function (element) {
        wire(element);
        restoreFocus(element);
      });
    });
  }
})();
