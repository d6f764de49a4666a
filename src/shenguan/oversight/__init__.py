"""E-monitoring (电子监察), supervision follow-up (调度监管), bulletins (定期通报), escalation
(督办：提醒 → 约谈 → 问责), annual scores (绩效考核) and dashboards, above linkage."""
