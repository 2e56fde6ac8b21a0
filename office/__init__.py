"""Outputs for people (issue 5), written after each published run from that run's frames.

- office.outputs.OUTPUTS → the office outputs of a published year, declared once (name, file or
  folder, writer, kept per month); office.files.write_office_files writes whatever it holds
  into out/<year>/, written aside and swapped in, with the latest bulletin of each month
  assessed kept in 历次通报/<MM>月/
- office.published.PublishedYear → the one read model every writer reads: the publication's
  edition, marts, core frames, quarantined rows, county
- office.workbooks: the Excel workbooks
  - results → 考核结果.xlsx (the office's results workbook)
  - warning_list → 预警清单.xlsx (red and yellow tasks, month over month; corrections and
    ranks against last month's publication)
  - findings → 单位反馈/<unit_id>_<unit_name>.xlsx per unit, 未归属单位.xlsx
  - fill_in → 填报模板/<unit_id>_<unit_name>_<year>年<month>月进度填报.xlsx (the units' fill-in
    workbooks for the next report, docs/templates.md)
  - simulation → 规则模拟.xlsx and .html (assess simulate, docs/simulate.md; not in out/<year>/)
- office.dashboard → 看板.html (docs/dashboard.md)
- office.edition.Edition → which publication a file is (as-of date, month, 临时/最终), said on
  screen and on every printed page, and the files' dates
- office.dictionary.data_dictionary → docs/data-dictionary.md from the warehouse's COMMENTs

Nothing here scores or writes the warehouse; the dictionary and `assess approve`'s page only
read it.
"""
