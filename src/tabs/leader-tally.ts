import { BehaviorSubject, type Observer, distinctUntilChanged, type Observable } from 'rxjs';

/**
 * Whether a client leads any of its streams shared across tabs: `true` while at least one of the
 * observers it hands out (one per shared subscription, as the `leader` option) last said `true`. @internal
 */
export class LeaderTally {
  private readonly subject = new BehaviorSubject(false);
  private leading = 0;
  readonly leader$: Observable<boolean> = this.subject.pipe(distinctUntilChanged());

  /** An observer for one subscription's leadership. */
  part(): Partial<Observer<boolean>> {
    let mine = false;
    return {
      next: (leads) => {
        if (leads === mine) return;
        mine = leads;
        this.leading += leads ? 1 : -1;
        this.subject.next(this.leading > 0);
      },
    };
  }
}
