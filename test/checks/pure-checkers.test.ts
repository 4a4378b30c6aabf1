// The checkers' verdict functions on hand-written histories and snapshots (no I/O), in the style
// of Jepsen's checker_test.clj. Each anomaly has a case that must fail and the clean case passes.
import { describe, expect, it } from 'vitest';
import type { CheckScope } from '../../src/checks/checker.ts';
import { doubleBookingChecker, type DoubleBookingSnapshot } from '../../src/checks/double-booking.ts';
import { historyVsMysqlChecker, type HistoryVsMysqlSnapshot } from '../../src/checks/history-vs-mysql.ts';
import { kafkaEventsChecker, type KafkaEventsSnapshot } from '../../src/checks/kafka-events.ts';
import { orphanLocksChecker } from '../../src/checks/orphan-locks.ts';
import { sellOutChecker } from '../../src/checks/sell-out.ts';
import { composeVerdicts } from '../../src/checks/types.ts';
import { History } from '../../src/engine/history.ts';

const scope: CheckScope = { scheduleIds: [7], seatCount: 1, runStartedAtMs: 0, lockTtlMs: 5000, consumerGroup: 'g', settleTimeoutMs: 1000 };

/** 3 users race for seat A1 of schedule 7: user 1 wins and pays, 2 gets a 409, 3 times out. */
const raceHistory = () =>
  History.of([
    { vu: 1, f: 'hold', type: 'ok', value: { scheduleId: 7, seatNo: 'A1', userId: 1 }, result: { reservationId: 100 } },
    { vu: 2, f: 'hold', type: 'fail', value: { scheduleId: 7, seatNo: 'A1', userId: 2 }, result: { status: 409, code: 'SEAT_LOCKED' } },
    { vu: 3, f: 'hold', type: 'info', value: { scheduleId: 7, seatNo: 'A1', userId: 3 }, error: 'timeout' },
    { vu: 1, f: 'pay', type: 'ok', value: { reservationId: 100, userId: 1 }, result: { paymentId: 500 } },
  ]);

describe('composeVerdicts', () => {
  it('fail beats unknown beats pass', () => {
    expect(composeVerdicts(['pass', 'unknown', 'fail'])).toBe('fail');
    expect(composeVerdicts(['pass', 'unknown'])).toBe('unknown');
    expect(composeVerdicts(['pass'])).toBe('pass');
    expect(composeVerdicts([])).toBe('pass');
  });
});

describe('double-booking checker', () => {
  const clean: DoubleBookingSnapshot = {
    seats: 1,
    confirmed: [{ id: 100, scheduleId: 7, seatNo: 'A1' }],
    guards: [{ scheduleId: 7, seatNo: 'A1', reservationId: 100 }],
    paidReservationIds: [100],
  };

  it('passes one confirmed reservation with its guard row and payment', () => {
    const r = doubleBookingChecker.check(raceHistory(), clean, scope);
    expect(r.verdict).toBe('pass');
    expect(r.counts).toMatchObject({ seats: 1, confirmed: 1, doubleBookedSeats: 0, oversold: 0 });
  });

  it('fails a seat confirmed twice, reporting the seat, both reservations and the overselling', () => {
    const snap = { ...clean, confirmed: [...clean.confirmed, { id: 101, scheduleId: 7, seatNo: 'A1' }], paidReservationIds: [100, 101] };
    const r = doubleBookingChecker.check(raceHistory(), snap, scope);
    expect(r.verdict).toBe('fail');
    expect(r.counts).toMatchObject({ doubleBookedSeats: 1, oversold: 1 });
    expect(r.evidence).toContainEqual({ anomaly: 'double-booking', seat: '7/A1', reservations: '100,101', count: 2 });
    expect(r.evidence).toContainEqual(expect.objectContaining({ anomaly: 'confirmed-without-guard', reservations: '101' }));
  });

  it('fails a guard row without a confirmed reservation and a confirmed reservation without payment', () => {
    const snap: DoubleBookingSnapshot = { ...clean, guards: [...(clean.guards ?? []), { scheduleId: 7, seatNo: 'B2', reservationId: 999 }], paidReservationIds: [] };
    const r = doubleBookingChecker.check(raceHistory(), snap, scope);
    expect(r.evidence.map((e) => e['anomaly']).sort()).toEqual(['confirmed-without-payment', 'guard-without-confirmed']);
    // The headline names what broke, not "0 double-booked seat(s), 0 oversold".
    expect(r.summary).toBe('2 integrity violation(s): 1 guard row(s) without a matching CONFIRMED reservation, 1 CONFIRMED reservation(s) without a payment');
  });

  it('headlines a double booking by its seats and the overselling by how many rows exceed the seats', () => {
    const snap = { ...clean, confirmed: [...clean.confirmed, { id: 101, scheduleId: 7, seatNo: 'A1' }], guards: [...(clean.guards ?? []), { scheduleId: 7, seatNo: 'A1', reservationId: 101 }], paidReservationIds: [100, 101] };
    const r = doubleBookingChecker.check(raceHistory(), snap, scope);
    expect(r.summary).toBe('2 integrity violation(s): 1 double-booked seat(s), 1 confirmed reservation(s) more than seats (oversold)');
  });

  it('headlines a guard row pointing at a reservation that is not CONFIRMED as exactly that', () => {
    const snap: DoubleBookingSnapshot = { ...clean, confirmed: [], paidReservationIds: [] };
    const r = doubleBookingChecker.check(raceHistory(), snap, scope);
    expect(r.summary).toBe('1 integrity violation(s): 1 guard row(s) without a matching CONFIRMED reservation');
  });
});

describe('history-vs-mysql checker', () => {
  const clean: HistoryVsMysqlSnapshot = {
    reservations: [{ id: 100, scheduleId: 7, seatNo: 'A1', userId: 1, status: 'CONFIRMED' }],
    payments: [{ id: 500, reservationId: 100, userId: 1 }],
  };

  it('passes when every acknowledged op is in MySQL and every row has an op', () => {
    const r = historyVsMysqlChecker.check(raceHistory(), clean, scope);
    expect(r.verdict).toBe('pass');
    expect(r.counts).toMatchObject({ holdsOk: 1, holdsFail: 1, holdsInfo: 1, paysOk: 1, recovered: 0 });
  });

  it('counts a row matching an indeterminate (info) hold as recovered, not as a violation', () => {
    const snap = { ...clean, reservations: [...clean.reservations, { id: 101, scheduleId: 7, seatNo: 'A1', userId: 3, status: 'EXPIRED' }] };
    const r = historyVsMysqlChecker.check(raceHistory(), snap, scope);
    expect(r.verdict).toBe('pass');
    expect(r.counts['recovered']).toBe(1);
  });

  it('counts a payment whose answer was lost (info) but that happened as recovered', () => {
    const history = History.of([
      { vu: 1, f: 'hold', type: 'ok', value: { scheduleId: 7, seatNo: 'A1', userId: 1 }, result: { reservationId: 100 } },
      { vu: 1, f: 'pay', type: 'info', value: { reservationId: 100, userId: 1 }, error: 'timeout' },
    ]);
    const r = historyVsMysqlChecker.check(history, clean, scope);
    expect(r.verdict).toBe('pass');
    expect(r.counts['recovered']).toBe(1);
    expect(r.summary).toMatch(/\(1 indeterminate recovered\)$/);
  });

  it('fails an acknowledged hold and payment that MySQL lost', () => {
    const r = historyVsMysqlChecker.check(raceHistory(), { reservations: [], payments: [] }, scope);
    expect(r.verdict).toBe('fail');
    expect(r.evidence.map((e) => e['anomaly'])).toEqual(['lost-hold', 'lost-payment']);
    expect(r.summary).toBe('2 mismatch(es) between the client history and MySQL: 1 acknowledged hold(s) missing or different in MySQL, 1 acknowledged payment(s) not CONFIRMED with a payment row');
  });

  it('fails a reservation owned by a user who was answered 409 (stricter than Jepsen)', () => {
    const snap = { ...clean, reservations: [...clean.reservations, { id: 102, scheduleId: 7, seatNo: 'A1', userId: 2, status: 'HELD' }] };
    const r = historyVsMysqlChecker.check(raceHistory(), snap, scope);
    expect(r.verdict).toBe('fail');
    expect(r.evidence[0]).toMatchObject({ anomaly: 'unexpected-reservation', reservationId: 102, userId: 2, detail: 'user was answered 409' });
  });

  it('fails a payment no client acknowledged or left indeterminate', () => {
    const history = History.of([{ vu: 1, f: 'hold', type: 'ok', value: { scheduleId: 7, seatNo: 'A1', userId: 1 }, result: { reservationId: 100 } }]);
    const r = historyVsMysqlChecker.check(history, clean, scope);
    expect(r.evidence).toEqual([expect.objectContaining({ anomaly: 'unexpected-payment', reservationId: 100 })]);
  });
});

describe('orphan-locks checker', () => {
  it('passes with no lock left and fails on a lock without expiry', () => {
    expect(orphanLocksChecker.check(new History(), { locks: [], waitedMs: 0 }, scope).verdict).toBe('pass');
    const r = orphanLocksChecker.check(new History(), { locks: [{ key: 'seat:lock:7:A1', pttlMs: -1 }], waitedMs: 0 }, scope);
    expect(r.verdict).toBe('fail');
    expect(r.evidence[0]).toMatchObject({ key: 'seat:lock:7:A1', pttlMs: -1, detail: expect.stringMatching(/no expiry/) });
  });
});

describe('kafka-events checker', () => {
  const clean: KafkaEventsSnapshot = {
    confirmedIds: [100],
    outbox: [{ eventId: 'e1', reservationId: 100, sent: true }],
    consumedEventIds: ['e1'],
    soldCounts: [{ scheduleId: 7, soldCount: 1, consumed: 1 }],
    events: [{ eventId: 'e1', reservationId: 100, scheduleId: 7, partition: 0, offset: '3' }],
    topicReadComplete: true,
    settled: true,
    waitedMs: 10,
  };

  it('passes exactly one consumed event per confirmed reservation', () => {
    expect(kafkaEventsChecker.check(new History(), clean, scope).verdict).toBe('pass');
  });

  it('fails a lost event, a duplicate, an unexpected event, an unsent outbox row and a lagging consumer', () => {
    const snap: KafkaEventsSnapshot = {
      ...clean,
      confirmedIds: [100, 101, 102],
      outbox: [...(clean.outbox ?? []), { eventId: 'e2', reservationId: 101, sent: false }],
      events: [
        ...clean.events,
        // Two different events for one reservation: a duplicate (a redelivered copy would be fine).
        { eventId: 'e3', reservationId: 102, scheduleId: 7, partition: 1, offset: '4' },
        { eventId: 'e4', reservationId: 102, scheduleId: 7, partition: 1, offset: '5' },
        { eventId: 'e9', reservationId: 999, scheduleId: 7, partition: 2, offset: '1' },
      ],
      consumedEventIds: ['e1', 'e3', 'e4', 'e9'],
      soldCounts: [{ scheduleId: 7, soldCount: 4, consumed: 3 }],
    };
    const r = kafkaEventsChecker.check(new History(), snap, scope);
    expect(r.verdict).toBe('fail');
    const anomalies = r.evidence.map((e) => `${e['anomaly']}:${e['reservationId']}`);
    expect(anomalies).toEqual(expect.arrayContaining(['lost-write:101', 'duplicate:102', 'missing-outbox:102', 'unexpected-event:999', 'unsent-outbox:101', 'sold-count-mismatch:0']));
  });

  it('counts a redelivered copy of an event (at-least-once relay) without failing; fails the copy applied twice', () => {
    const copy = { ...clean.events[0]!, offset: '9' };
    const redelivered = kafkaEventsChecker.check(new History(), { ...clean, events: [...clean.events, copy] }, scope);
    expect(redelivered.verdict).toBe('pass');
    expect(redelivered.counts).toMatchObject({ eventsOnTopic: 2, redelivered: 1, confirmed: 1 });
    expect(redelivered.summary).toBe('2 event(s) for 1 confirmed reservation(s) (1 redelivered copy(ies) of an event already on the topic: at-least-once delivery, applied once), outbox sent, consumer caught up');
    // The consumer applied the copy again: the sold count is above the events consumed.
    const appliedTwice = kafkaEventsChecker.check(new History(), { ...clean, events: [...clean.events, copy], soldCounts: [{ scheduleId: 7, soldCount: 2, consumed: 1 }] }, scope);
    expect(appliedTwice.verdict).toBe('fail');
    expect(appliedTwice.evidence.map((e) => e['anomaly'])).toEqual(['sold-count-mismatch']);
  });

  it('names an event with no outbox row for what it is, not as a consumer that lags', () => {
    // Published for a reservation the database does not have: the consumer rightly skipped it.
    const stray = { eventId: 'stray', reservationId: 999, scheduleId: 7, partition: 2, offset: '8' };
    const r = kafkaEventsChecker.check(new History(), { ...clean, events: [...clean.events, stray] }, scope);
    expect(r.verdict).toBe('fail');
    expect(r.evidence.map((e) => e['anomaly'])).toEqual(['unexpected-event', 'event-without-outbox']);
    expect(r.evidence[1]).toMatchObject({ detail: 'event stray at 2:8 has no outbox row: published for something the database does not have' });
    expect(r.summary).toBe(
      '2 event anomaly(ies): 1 reservation(s) that are not CONFIRMED yet have an event, 1 event(s) on the topic with no outbox row (published for something the database does not have)',
    );
    expect(r.summary).not.toMatch(/consumer_dedup|after \d+ ms/);
  });

  it('headlines a lagging consumer and an unsent outbox row by name', () => {
    const r = kafkaEventsChecker.check(new History(), { ...clean, outbox: [{ eventId: 'e1', reservationId: 100, sent: false }], consumedEventIds: [], soldCounts: [] }, scope);
    expect(r.summary).toBe("2 event anomaly(ies): 1 outbox row(s) never sent, 1 event(s) the consumer did not apply in time");
  });

  it('says unknown, not pass, when the topic could not be read to its end', () => {
    const r = kafkaEventsChecker.check(new History(), { ...clean, topicReadComplete: false }, scope);
    expect(r.verdict).toBe('unknown');
  });
});

describe('sell-out checker', () => {
  it('passes a seat with one acknowledged hold, one payment and one confirmed row', () => {
    const r = sellOutChecker.check(raceHistory(), { seats: [{ scheduleId: 7, seatNo: 'A1', confirmed: 1 }] }, scope);
    expect(r.verdict).toBe('pass');
    expect(r.counts).toMatchObject({ seats: 1, sold: 1, holdsOk: 1, paysOk: 1 });
  });

  it('fails an unsold seat and a seat with two acknowledged holds', () => {
    const history = History.of([
      { vu: 1, f: 'hold', type: 'ok', value: { scheduleId: 7, seatNo: 'A1', userId: 1 }, result: { reservationId: 100 } },
      { vu: 2, f: 'hold', type: 'ok', value: { scheduleId: 7, seatNo: 'A1', userId: 2 }, result: { reservationId: 101 } },
    ]);
    const r = sellOutChecker.check(history, { seats: [{ scheduleId: 7, seatNo: 'A1', confirmed: 0 }, { scheduleId: 7, seatNo: 'A2', confirmed: 0 }] }, scope);
    expect(r.verdict).toBe('fail');
    expect(r.evidence).toEqual([
      { seat: '7/A1', confirmedInDb: 0, holdsOk: 2, paysOk: 0 },
      { seat: '7/A2', confirmedInDb: 0, holdsOk: 0, paysOk: 0 },
    ]);
    expect(r.summary).toBe('2 seat(s) not sold exactly once: 1 held by more than one user (acknowledged holds), 1 never sold');
  });

  it('judges a lost answer by what it did: a seat it sold counts, a seat it left held is counted, not failed; a seat sold twice still fails', () => {
    const history = History.of([
      // A1: the payment's answer was lost, but it happened.
      { vu: 1, f: 'hold', type: 'ok', value: { scheduleId: 7, seatNo: 'A1', userId: 1 }, result: { reservationId: 100 } },
      { vu: 1, f: 'pay', type: 'info', value: { reservationId: 100, userId: 1 }, error: 'ECONNRESET' },
      // A2: the payment's answer was lost and it did not happen: the seat stays held until its hold expires.
      { vu: 2, f: 'hold', type: 'ok', value: { scheduleId: 7, seatNo: 'A2', userId: 2 }, result: { reservationId: 101 } },
      { vu: 2, f: 'pay', type: 'info', value: { reservationId: 101, userId: 2 }, error: 'ECONNRESET' },
      // A3: the hold's answer was lost.
      { vu: 3, f: 'hold', type: 'info', value: { scheduleId: 7, seatNo: 'A3', userId: 3 }, error: 'timeout' },
    ]);
    const seats = [
      { scheduleId: 7, seatNo: 'A1', confirmed: 1 },
      { scheduleId: 7, seatNo: 'A2', confirmed: 0 },
      { scheduleId: 7, seatNo: 'A3', confirmed: 0 },
    ];
    const r = sellOutChecker.check(history, { seats }, scope);
    expect(r.verdict).toBe('pass');
    expect(r.counts).toMatchObject({ sold: 1, recovered: 1, leftHeldByLostAnswers: 2 });
    expect(r.summary).toBe('1/3 seat(s) sold, each with exactly one acknowledged hold and payment; answers lost: 1 seat(s) sold all the same, 2 left held until their hold expires');
    // A lost answer never excuses a seat sold twice.
    const twice = sellOutChecker.check(history, { seats: [{ scheduleId: 7, seatNo: 'A1', confirmed: 2 }] }, scope);
    expect(twice.verdict).toBe('fail');
  });
});
