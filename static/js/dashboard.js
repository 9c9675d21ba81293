/* The dashboard's charts: the specs come from the page (json_script, the CSP
   forbids inline scripts); each one is drawn with the vendored ECharts. */
(function () {
  "use strict";

  if (window.bootstrap) {
    document.querySelectorAll('[data-bs-toggle="tooltip"]').forEach(function (el) {
      new window.bootstrap.Tooltip(el);
    });
  }
  var source = document.getElementById("dashboard-charts");
  if (!source || !window.echarts) {
    return;
  }
  var specs = JSON.parse(source.textContent);
  var palette = ["#0b4a8b", "#e0912f", "#2e9d6b", "#8b5cf6", "#d9485f", "#3aa0c8",
    "#a3a83c", "#7b8794", "#c46b9a"];

  function option(spec) {
    if (spec.kind === "pie") {
      return {
        color: palette,
        tooltip: { trigger: "item", formatter: "{b}：{c}（{d}%）" },
        legend: { type: "scroll", orient: "vertical", right: 0, top: "middle" },
        series: [{
          type: "pie",
          radius: ["35%", "65%"],
          center: ["32%", "50%"],
          label: { show: false },
          data: spec.categories.map(function (name, i) {
            return { name: name, value: spec.series[0].data[i] };
          })
        }]
      };
    }
    var horizontal = spec.kind === "hbar";
    var categoryAxis = { type: "category", data: spec.categories };
    var valueAxis = { type: "value", minInterval: 1 };
    return {
      color: palette,
      tooltip: { trigger: "axis" },
      legend: { top: 0 },
      grid: { left: 8, right: 16, top: 32, bottom: 8, containLabel: true },
      xAxis: horizontal ? valueAxis : categoryAxis,
      yAxis: horizontal ? Object.assign({ inverse: true }, categoryAxis) : valueAxis,
      series: spec.series.map(function (s) {
        return {
          name: s.name,
          type: spec.kind === "line" ? "line" : "bar",
          stack: spec.stacked ? "total" : undefined,
          smooth: spec.kind === "line",
          data: s.data
        };
      })
    };
  }

  var charts = [];
  specs.forEach(function (spec) {
    var el = document.querySelector('[data-chart="' + spec.id + '"]');
    if (!el) {
      return;
    }
    var chart = window.echarts.init(el);
    chart.setOption(option(spec));
    charts.push(chart);
  });
  window.addEventListener("resize", function () {
    charts.forEach(function (chart) { chart.resize(); });
  });
})();
