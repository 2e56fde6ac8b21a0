"""Outputs for people (issue 5), written after each published run from that run's frames.

- office.workbooks: the Excel workbooks
  - results.write_results_workbook → 考核结果.xlsx (the office's results workbook)
  - findings.write_unit_findings → 单位反馈/<unit_id>_<unit_name>.xlsx per unit, 未归属单位.xlsx
  - warning_list.write_warning_list → 预警清单.xlsx (red and yellow tasks, month over month;
    corrections and ranks against last month's publication)
  - fill_in.write_templates → 填报模板/<unit_id>_<unit_name>_<year>年<month>月进度填报.xlsx
    (the units' fill-in workbooks for the next report, docs/templates.md)
  - simulation.write_simulation → 规则模拟.xlsx and .html (assess simulate, docs/simulate.md)
- office.dashboard.write_dashboard → 看板.html, read from the published warehouse (docs/dashboard.md)
- office.files.write_office_files → all of the above into out/<year>/, written aside and swapped in,
  with the latest bulletin of each month assessed kept in 历次通报/<MM>月/
- office.edition.Edition → which publication a file is (as-of date, month, 临时/最终), said on
  screen and on every printed page, and the files' dates
- office.dictionary.data_dictionary → docs/data-dictionary.md from the warehouse's COMMENTs

Nothing here scores or writes the warehouse; the dictionary and the dashboard only read it.
"""
