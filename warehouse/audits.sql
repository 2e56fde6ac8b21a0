-- Checks run inside the publication transaction. Each query returns the offending rows;
-- any row aborts the publication. Parameters: $run_id, $year.

-- name: reconciliation  (every file: rows read = loaded + duplicates + quarantined)
SELECT file, sheet, rows_read, rows_loaded, rows_duplicate, rows_quarantined
FROM audit.input_file
WHERE run_id = $run_id AND rows_read <> rows_loaded + rows_duplicate + rows_quarantined;

-- name: components_add_up_to_totals  (the parts a person sees add up to the total they see)
SELECT unit_id, work, satisfaction, bonus, penalty, total
FROM mart.unit_score
WHERE year = $year
  AND total <> greatest(0, coalesce(work, 0) + coalesce(satisfaction, 0) + bonus - penalty);

-- name: line_items_make_components  (each component is its line items' sum, rounded)
SELECT s.unit_id, l.component, l.points
FROM mart.unit_score s
JOIN (SELECT unit_id, component, sum(points) AS points FROM mart.score_line_item
      WHERE year = $year AND rule_id <> 'floor_zero' GROUP BY unit_id, component) l
  USING (unit_id)
WHERE s.year = $year
  AND abs(CASE l.component WHEN 'work' THEN s.work WHEN 'satisfaction' THEN s.satisfaction
                           WHEN 'bonus' THEN s.bonus ELSE -s.penalty END - l.points)
      > 0.005 + 1e-9;

-- name: every_unit_scored
SELECT u.unit_id FROM core.units u
WHERE u.year = $year
  AND u.unit_id NOT IN (SELECT unit_id FROM mart.unit_score WHERE year = $year);

-- name: every_task_has_funding_row
SELECT t.task_id FROM core.tasks t
WHERE t.year = $year
  AND t.task_id NOT IN (SELECT task_id FROM mart.funding_execution WHERE year = $year);

-- name: one_run_per_published_year
SELECT year, count(DISTINCT run_id) FROM mart.unit_score GROUP BY year HAVING count(DISTINCT run_id) > 1;
