// Where the alarms go (infra/alarms.yml): an email address subscribed to the stack's own topic, an
// existing topic, or, said explicitly, nowhere yet. A stack whose alarms notify nobody by default
// looks monitored and is not, so packaging refuses it.
'use strict';

const { fail, flag, matches, refuse } = require('./checks.cjs');

// A standard SNS topic: CloudWatch alarm actions cannot publish to FIFO topics.
const TOPIC_ARN = /^arn:aws(?:-[a-z]+)*:sns:[a-z]{2}(?:-[a-z]+)+-\d{1,2}:\d{12}:[A-Za-z0-9_-]{1,256}$/;
const EMAIL_EXAMPLE = 'secops@example.com';
const TOPIC_EXAMPLE = 'arn:aws:sns:eu-west-1:123456789012:secops-alarms';

/** The topic the alarms notify: `{ Ref: 'AlarmTopic' }` (the stack's own) or the given ARN. */
function alarmTopicArn({ alarmEmail, alarmTopicArn: topic, alarmsWithoutDestination }) {
  matches('alarmEmail', alarmEmail, /^[^@\s]+@[^@\s]+$/, 'must be an email address', EMAIL_EXAMPLE);
  matches('alarmTopicArn', topic, TOPIC_ARN, 'must be the ARN of a standard SNS topic', TOPIC_EXAMPLE);
  const optOut = flag('alarmsWithoutDestination', alarmsWithoutDestination);
  if (alarmEmail !== '' && topic !== '') {
    fail(
      'alarmEmail',
      'is subscribed to the topic this stack creates, and alarmTopicArn replaces that topic: subscribe the address to your topic yourself and drop alarmEmail',
      EMAIL_EXAMPLE,
    );
  }
  if (optOut && (alarmEmail !== '' || topic !== '')) {
    fail(
      'alarmsWithoutDestination',
      `is true while ${alarmEmail !== '' ? 'alarmEmail' : 'alarmTopicArn'} gives the alarms a destination: drop one of them`,
      'false',
    );
  }
  if (!optOut && alarmEmail === '' && topic === '') {
    refuse(
      `The alarms have no destination, so nobody would hear them. Fix: pass --param="alarmEmail=${EMAIL_EXAMPLE}", ` +
        `an existing SNS topic with --param="alarmTopicArn=${TOPIC_EXAMPLE}", ` +
        'or --param="alarmsWithoutDestination=true" to deploy alarms that notify nobody until you subscribe to their topic.',
    );
  }
  return topic === '' ? { Ref: 'AlarmTopic' } : topic;
}

module.exports = { alarmTopicArn };
