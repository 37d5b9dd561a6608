// Placeholder for the layout worker (issue: DAG side panel).
export {};
