// Placeholder for the DAG panel app (issue: DAG side panel).
document.body.textContent = 'Kindling DAG panel';
