/* Interactive bulletin charts. The page already shows the same charts as server-drawn SVG (with hover
   titles and links); where Chart.js (vendored, zhifa/static/vendor) has loaded, each box with a
   data-chart attribute is redrawn from the JSON the page carries (#bulletin-chart-data). A ranking
   bar still opens the list its SVG bar linked to. */
(function () {
  "use strict";

  var COLOURS = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9"];

  function ranking(data, links) {
    return {
      type: "bar",
      data: {
        labels: data.ranking.map(function (r) { return (r.rank || "—") + ". " + r.label; }),
        datasets: [{ label: data.score_label, data: data.ranking.map(function (r) { return r.value; }), backgroundColor: COLOURS[0] }]
      },
      options: {
        indexAxis: "y",
        responsive: true,
        scales: { x: { min: 0, max: 100 } },
        plugins: { legend: { display: false } },
        onClick: function (event, elements) {
          if (elements.length && links[elements[0].index]) { window.location.href = links[elements[0].index]; }
        }
      }
    };
  }

  function trend(data) {
    return {
      type: "line",
      data: {
        labels: data.months,
        datasets: data.trend.map(function (s, i) {
          return { label: s.label, data: s.values, borderColor: COLOURS[i % COLOURS.length], backgroundColor: COLOURS[i % COLOURS.length], tension: 0.2 };
        })
      },
      options: { responsive: true, interaction: { mode: "index", intersect: false }, scales: { y: { beginAtZero: true } } }
    };
  }

  function draw() {
    var source = document.getElementById("bulletin-chart-data");
    if (!source || typeof window.Chart === "undefined") { return; }  // the SVG stays
    var data = JSON.parse(source.textContent);
    document.querySelectorAll(".chart-box[data-chart]").forEach(function (box) {
      var kind = box.getAttribute("data-chart");
      var config = null;
      if (kind === "ranking" && data.ranking && data.ranking.length) {
        var links = Array.prototype.map.call(box.querySelectorAll("a"), function (a) { return a.getAttribute("href"); });
        config = ranking(data, links);
      } else if (kind === "trend" && data.trend && data.trend.length) {
        config = trend(data);
      }
      if (!config) { return; }
      var canvas = document.createElement("canvas");
      canvas.setAttribute("role", "img");
      var title = box.querySelector("svg title");
      canvas.setAttribute("aria-label", title ? title.textContent : "");
      box.replaceChildren(canvas);
      new window.Chart(canvas, config);
    });
  }

  document.addEventListener("DOMContentLoaded", draw);
})();
