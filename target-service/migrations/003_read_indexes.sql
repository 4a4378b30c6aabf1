-- ticketbench bundled target: indexes of the read path (issue 7). Runs on MySQL 8 and MariaDB 10.11.
-- Every read endpoint is an index range/ref scan; test/target-service/read-explain.test.ts shows
-- the EXPLAIN of each query.

-- GET /api/concerts/:id/schedules: schedules of a concert in start order, without a filesort.
CREATE INDEX idx_schedules_concert_starts ON schedules (concert_id, starts_at);

-- GET /api/schedules/:id/available-seats: the AVAILABLE seats of a schedule ordered by seat_no
-- read from the index alone (covering: no row lookup per seat, no filesort). Its (schedule_id,
-- status) prefix also serves the availability counts of GET /api/concerts/:id/schedules.
CREATE INDEX idx_seats_available ON seats (schedule_id, status, seat_no);
