// The progress of a batch review, polled from the server and shown without reloading the page; when the review is
// done, the browser goes to its summary. Without this script the page reloads itself every two seconds instead.
"use strict";
(function () {
  const section = document.getElementById("progress");
  if (!section) return;
  const bar = document.getElementById("bar");
  async function poll() {
    const response = await fetch(section.dataset.status, { credentials: "same-origin", cache: "no-store" });
    if (!response.ok) return;
    const job = await response.json();
    bar.max = Math.max(job.total, 1);
    bar.value = job.done;
    document.getElementById("done").textContent = String(job.done);
    document.getElementById("total").textContent = String(job.total);
    if (job.state === "running") {
      setTimeout(poll, 500);
    } else if (job.next && job.notes.length === 0) {
      window.location.assign(job.next);
    } else {
      window.location.reload();
    }
  }
  setTimeout(poll, 300);
})();
