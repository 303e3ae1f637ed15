// EventStoreDB / KurrentDB (@kurrent/kurrentdb-client): the alternative event store.
export * from './eventStore/kurrentEventStore';
