/* saasaisite chat on your site, in one line:
 *   <script src="https://HOST/static/embed.js" data-slug="SLUG" async></script>
 * By default a floating button opens the chat. With data-mode="inline" the
 * chat is placed right where the script stands (data-height sets its height).
 * Optional: data-label (the button's name for screen readers), data-color
 * (#rrggbb), data-position ("left" or "right"). No dependencies.
 *
 * Browsers may refuse storage to a chat framed by another site, so the chat
 * hands its visitor token to this page, which keeps it in its own storage and
 * gives it back in the frame's address fragment (never sent to a server). */
(function () {
  "use strict";

  var script = document.currentScript;
  if (!script || !script.dataset.slug) return;
  var inline = script.dataset.mode === "inline";
  if (!inline && window.__saasaisiteWidget) return;
  if (!inline) window.__saasaisiteWidget = true;

  var origin = new URL(script.src, document.baseURI).origin;
  var slugText = script.dataset.slug;
  var slug = encodeURIComponent(slugText);
  var key = "saasaisite:visitor:" + slugText;
  var label = script.dataset.label || script.dataset.title || "Chat";
  var color = /^#[0-9a-fA-F]{6}$/.test(script.dataset.color || "")
    ? script.dataset.color
    : "#1d4ed8";
  var side = script.dataset.position === "left" ? "left" : "right";
  var frame = null;

  function setStyle(element, styles) {
    for (var name in styles) element.style[name] = styles[name];
  }

  function storedToken() {
    try { return window.localStorage.getItem(key) || ""; } catch (error) { return ""; }
  }

  function makeFrame() {
    var element = document.createElement("iframe");
    var address = origin + "/" + slug + "/chat/embed?from=" + encodeURIComponent(location.href);
    var token = storedToken();
    element.src = token ? address + "#visitor=" + encodeURIComponent(token) : address;
    element.title = label;
    element.className = "saasaisite-chat";
    element.setAttribute("allow", "clipboard-write");
    return element;
  }

  window.addEventListener("message", function (event) {
    var data = event.data;
    if (!frame || event.origin !== origin || event.source !== frame.contentWindow) return;
    if (!data || data.type !== "saasaisite:visitor" || data.slug !== slugText) return;
    try {
      if (data.token) window.localStorage.setItem(key, data.token);
      else window.localStorage.removeItem(key);
    } catch (error) {
      // This site's storage is off too: the conversation then lasts one visit.
    }
  });

  if (inline) {
    frame = makeFrame();
    setStyle(frame, {
      width: "100%", maxWidth: "420px", height: script.dataset.height || "600px",
      border: "1px solid #d9e2ec", borderRadius: "12px"
    });
    script.insertAdjacentElement("afterend", frame);
    return;
  }

  var open = false;
  var button = document.createElement("button");
  button.type = "button";
  button.setAttribute("aria-label", label);
  button.setAttribute("aria-expanded", "false");
  button.innerHTML =
    '<svg width="28" height="28" viewBox="0 0 24 24" aria-hidden="true" focusable="false">' +
    '<path fill="currentColor" d="M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H9l-5 4v-4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2z"/></svg>';
  setStyle(button, {
    position: "fixed", bottom: "20px", width: "60px", height: "60px",
    borderRadius: "50%", border: "0", background: color, color: "#fff",
    cursor: "pointer", boxShadow: "0 4px 16px rgba(0,0,0,.25)",
    zIndex: "2147483000", display: "flex", alignItems: "center",
    justifyContent: "center", padding: "0"
  });
  button.style[side] = "20px";

  function toggle() {
    open = !open;
    if (open && !frame) {
      frame = makeFrame();
      setStyle(frame, {
        position: "fixed", bottom: "92px", width: "min(400px, calc(100vw - 24px))",
        height: "min(600px, calc(100vh - 112px))", border: "1px solid #d9e2ec",
        borderRadius: "12px", background: "#fff", zIndex: "2147483000",
        boxShadow: "0 8px 32px rgba(0,0,0,.25)"
      });
      frame.style[side] = "12px";
      document.body.appendChild(frame);
    }
    frame.style.display = open ? "block" : "none";
    button.setAttribute("aria-expanded", String(open));
  }

  button.addEventListener("click", toggle);
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && open) {
      toggle();
      button.focus();
    }
  });

  function mount() { document.body.appendChild(button); }
  if (document.body) mount();
  else document.addEventListener("DOMContentLoaded", mount);
})();
