-- ticketbench bundled target: initial schema. Runs on MySQL 8 and MariaDB 10.11.
-- Applied by `ticketbench infra up` (src/infra/migrations.ts); one statement per `;` line end.
-- Every index below names the query that needs it.

CREATE TABLE concerts (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  name VARCHAR(200) NOT NULL,
  created_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE schedules (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  concert_id BIGINT NOT NULL,
  starts_at DATETIME(6) NOT NULL,
  seat_count INT NOT NULL,
  -- incremented once per consumed reservation.confirmed event (idempotent consumer)
  sold_count INT NOT NULL DEFAULT 0,
  created_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  -- schedules of a concert
  KEY idx_schedules_concert (concert_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE seats (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  schedule_id BIGINT NOT NULL,
  seat_no VARCHAR(32) NOT NULL,
  price INT NOT NULL,
  -- AVAILABLE | HELD | SOLD
  status VARCHAR(16) NOT NULL DEFAULT 'AVAILABLE',
  version INT NOT NULL DEFAULT 0,
  -- seat lookup by (schedule, seat_no) on hold and payment
  UNIQUE KEY uk_seats_schedule_seat (schedule_id, seat_no),
  -- available seats of a schedule (seat query, checkers)
  KEY idx_seats_schedule_status (schedule_id, status)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE users (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  name VARCHAR(100) NOT NULL,
  created_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE reservations (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  schedule_id BIGINT NOT NULL,
  seat_no VARCHAR(32) NOT NULL,
  user_id BIGINT NOT NULL,
  -- HELD | CONFIRMED | EXPIRED | CANCELLED
  status VARCHAR(16) NOT NULL,
  expires_at DATETIME(6) NOT NULL,
  created_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  updated_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  -- hold check for an active reservation of a seat; checkers group by (schedule, seat, status)
  KEY idx_reservations_schedule_seat_status (schedule_id, seat_no, status),
  -- hold-expiry sweep: status = 'HELD' AND expires_at < now
  KEY idx_reservations_status_expires (status, expires_at),
  KEY idx_reservations_user (user_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE payments (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  reservation_id BIGINT NOT NULL,
  user_id BIGINT NOT NULL,
  amount INT NOT NULL,
  created_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  -- one payment per reservation; payment lookup by reservation (checkers)
  UNIQUE KEY uk_payments_reservation (reservation_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

-- The final guard against double booking: one confirmed reservation per seat, enforced by the PK.
CREATE TABLE confirmed_seat_guard (
  schedule_id BIGINT NOT NULL,
  seat_no VARCHAR(32) NOT NULL,
  reservation_id BIGINT NOT NULL,
  confirmed_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  PRIMARY KEY (schedule_id, seat_no),
  UNIQUE KEY uk_guard_reservation (reservation_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

-- Transactional outbox: written in the payment transaction, published to Kafka by the relay.
CREATE TABLE outbox_event (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  event_id CHAR(36) NOT NULL,
  topic VARCHAR(128) NOT NULL,
  event_type VARCHAR(64) NOT NULL,
  aggregate_id BIGINT NOT NULL,
  schedule_id BIGINT NOT NULL,
  payload TEXT NOT NULL,
  created_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  sent_at DATETIME(6) NULL,
  UNIQUE KEY uk_outbox_event_id (event_id),
  -- relay: WHERE sent_at IS NULL ORDER BY id
  KEY idx_outbox_unsent (sent_at, id),
  -- checkers: events of a schedule
  KEY idx_outbox_schedule (schedule_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

-- Idempotent consumer: one row per (consumer group, event) processed.
CREATE TABLE consumer_dedup (
  consumer_group VARCHAR(128) NOT NULL,
  event_id CHAR(36) NOT NULL,
  reservation_id BIGINT NOT NULL,
  schedule_id BIGINT NOT NULL,
  kafka_partition INT NOT NULL,
  kafka_offset BIGINT NOT NULL,
  processed_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  PRIMARY KEY (consumer_group, event_id),
  -- checkers: consumed events of a schedule
  KEY idx_consumer_dedup_schedule (schedule_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
