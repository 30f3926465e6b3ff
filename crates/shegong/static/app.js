// Confirmation before destructive actions: any form with data-confirm asks first.
// Kept tiny and free of inline handlers so the Content-Security-Policy can forbid inline script.
document.addEventListener("submit", function (ev) {
  var form = ev.target;
  if (form && form.dataset && form.dataset.confirm && !window.confirm(form.dataset.confirm)) {
    ev.preventDefault();
    ev.stopImmediatePropagation();
  }
}, true);
// Close the mobile navigation after a link is chosen.
document.addEventListener("click", function (ev) {
  var link = ev.target.closest && ev.target.closest(".sidenav a");
  var toggle = document.getElementById("navtoggle");
  if (link && toggle) { toggle.checked = false; }
});
// Print buttons (the check-in sheet): no inline handler, so the policy can forbid inline script.
document.addEventListener("click", function (ev) {
  var button = ev.target.closest && ev.target.closest("[data-print]");
  if (button) { window.print(); }
});
// The template editor: once the live preview is swapped in, scroll it to about where the caret is
// in the text, so that typing near the end shows the end of the document.
document.addEventListener("htmx:afterSwap", function (ev) {
  var preview = ev.target;
  var text = document.getElementById("body");
  if (!preview || preview.id !== "preview" || !text || !text.value.length) { return; }
  preview.scrollTop = (text.selectionStart / text.value.length) * (preview.scrollHeight - preview.clientHeight);
});
