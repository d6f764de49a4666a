// ECharts on the oversight dashboards without inline script (strict CSP): each element with
// data-chart="<id>" draws the JSON of the <script type="application/json" id="<id>"> that
// Django's json_script wrote; the same numbers are in the table beside the chart.
(function () {
  function option(spec) {
    var horizontal = spec.type === "bar_horizontal";
    var series = spec.series.map(function (s) {
      var out = { name: s.name, type: s.line ? "line" : "bar", data: s.data };
      if (spec.type === "bar_stacked") out.stack = "total";
      if (s.line) out.yAxisIndex = 1;
      if (s.color) out.itemStyle = { color: s.color };
      return out;
    });
    var category = { type: "category", data: spec.categories, axisLabel: { interval: 0 } };
    var value = { type: "value", minInterval: 1 };
    var opt = {
      animation: false,
      tooltip: { trigger: "axis" },
      legend: { top: 0 },
      grid: { left: horizontal ? 160 : 48, right: 48, top: 32, bottom: 40, containLabel: !horizontal },
      xAxis: horizontal ? value : category,
      yAxis: horizontal ? category : [value],
      series: series,
    };
    if (horizontal) {
      opt.xAxis = { type: "value", max: 100, axisLabel: { formatter: "{value}%" } };
      opt.yAxis.inverse = true;
    }
    if (spec.type === "bar_line") {
      opt.yAxis = [value, { type: "value", max: 100, axisLabel: { formatter: "{value}%" } }];
    }
    if (!horizontal) category.axisLabel.rotate = spec.categories.length > 6 ? 30 : 0;
    return opt;
  }
  function draw() {
    if (typeof echarts === "undefined") return;
    document.querySelectorAll("[data-chart]").forEach(function (el) {
      var src = document.getElementById(el.getAttribute("data-chart"));
      if (!src) return;
      var chart = echarts.init(el, null, { renderer: "canvas" });
      chart.setOption(option(JSON.parse(src.textContent)));
      window.addEventListener("resize", function () { chart.resize(); });
      el.setAttribute("data-chart-ready", "1");
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", draw);
  else draw();
})();
