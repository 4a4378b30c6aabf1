-- seatline schema. Idempotent: every statement is CREATE TABLE IF NOT EXISTS, applied on each start.
-- Runs on MariaDB >= 10.6 and MySQL 8 (InnoDB, utf8mb4).

CREATE TABLE IF NOT EXISTS performance (
  id            BIGINT       NOT NULL AUTO_INCREMENT,
  title         VARCHAR(200) NOT NULL,
  queue_enabled TINYINT      NOT NULL DEFAULT 0,
  -- Counted by the Kafka consumer, not by the payment: it shows that each paid event arrived once.
  paid_count    INT          NOT NULL DEFAULT 0,
  created_at    DATETIME(6)  NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  PRIMARY KEY (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE IF NOT EXISTS performance_seat (
  performance_id BIGINT      NOT NULL,
  seat_code      VARCHAR(16) NOT NULL,
  price_point    BIGINT      NOT NULL,
  PRIMARY KEY (performance_id, seat_code)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE IF NOT EXISTS member (
  user_key   CHAR(36)    NOT NULL,
  created_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  PRIMARY KEY (user_key)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE IF NOT EXISTS user_point (
  user_key   CHAR(36)    NOT NULL,
  point      BIGINT      NOT NULL,
  version    INT         NOT NULL DEFAULT 0,
  updated_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  PRIMARY KEY (user_key)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE IF NOT EXISTS user_point_history (
  id           BIGINT       NOT NULL AUTO_INCREMENT,
  user_key     CHAR(36)     NOT NULL,
  delta        BIGINT       NOT NULL,
  reason       VARCHAR(16)  NOT NULL, -- INIT | CHARGE | USE
  request_key  VARCHAR(100) NULL,
  booking_uuid CHAR(36)     NULL,
  point_after  BIGINT       NOT NULL,
  created_at   DATETIME(6)  NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  PRIMARY KEY (id),
  -- Makes a charge idempotent per request key; rows without a key (INIT, USE) never collide.
  UNIQUE KEY uq_point_request (user_key, request_key),
  KEY idx_point_history_user (user_key)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE IF NOT EXISTS seat_reservation (
  booking_uuid   CHAR(36)    NOT NULL,
  performance_id BIGINT      NOT NULL,
  seat_code      VARCHAR(16) NOT NULL,
  user_key       CHAR(36)    NOT NULL,
  state          VARCHAR(16) NOT NULL, -- HOLDING | PAID | EXPIRED
  held_at        DATETIME(6) NOT NULL,
  hold_until     DATETIME(6) NOT NULL,
  paid_at        DATETIME(6) NULL,
  -- Equal to seat_code once PAID, NULL before: the unique key below is the double-booking guard
  -- (NULLs never collide, so any number of holds may share a seat, but only one payment).
  paid_seat      VARCHAR(16) NULL,
  updated_at     DATETIME(6) NOT NULL,
  PRIMARY KEY (booking_uuid),
  UNIQUE KEY uq_paid_seat (performance_id, paid_seat),
  KEY idx_reservation_seat (performance_id, seat_code),
  KEY idx_reservation_user (user_key)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE IF NOT EXISTS payment (
  payment_uuid CHAR(36)    NOT NULL,
  booking_uuid CHAR(36)    NOT NULL,
  user_key     CHAR(36)    NOT NULL,
  amount_point BIGINT      NOT NULL,
  created_at   DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  PRIMARY KEY (payment_uuid),
  UNIQUE KEY uq_payment_booking (booking_uuid)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE IF NOT EXISTS event_outbox (
  id             BIGINT      NOT NULL AUTO_INCREMENT,
  event_uuid     CHAR(36)    NOT NULL,
  performance_id BIGINT      NOT NULL,
  booking_uuid   CHAR(36)    NOT NULL,
  payload        TEXT        NOT NULL,
  created_at     DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  published_at   DATETIME(6) NULL,
  PRIMARY KEY (id),
  UNIQUE KEY uq_outbox_event (event_uuid),
  KEY idx_outbox_published (published_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE IF NOT EXISTS processed_message (
  message_uuid   CHAR(36)    NOT NULL,
  performance_id BIGINT      NOT NULL,
  booking_uuid   CHAR(36)    NOT NULL,
  processed_at   DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  PRIMARY KEY (message_uuid)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
