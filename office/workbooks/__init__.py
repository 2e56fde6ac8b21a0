"""The office's Excel workbooks: 考核结果.xlsx (results.py), 预警清单.xlsx (warning_list.py),
单位反馈/ (findings.py), 填报模板/ (fill_in.py), the rules what-if (simulation.py), and the
sheet writing they share (sheets.py)."""
